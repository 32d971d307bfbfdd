import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('kimi_thinking', '<think>', '</think>', true);
