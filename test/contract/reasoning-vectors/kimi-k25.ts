import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('kimi_k25', '<think>', '</think>', false);
