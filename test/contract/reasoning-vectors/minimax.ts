import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('minimax', '<think>', '</think>', true);
