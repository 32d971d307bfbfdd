import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('base', '<think>', '</think>', false);
