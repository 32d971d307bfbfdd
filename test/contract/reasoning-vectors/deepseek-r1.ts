import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('deepseek_r1', '<think>', '</think>', true);
