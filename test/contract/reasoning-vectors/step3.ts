import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('step3', '<think>', '</think>', true);
