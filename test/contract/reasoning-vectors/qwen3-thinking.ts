import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('qwen3_thinking', '<think>', '</think>', true);
