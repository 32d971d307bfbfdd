import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('qwen3', '<think>', '</think>', false);
