import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('deepseek_v31', '<think>', '</think>', false);
