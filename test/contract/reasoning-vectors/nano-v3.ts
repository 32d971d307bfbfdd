import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('nano_v3', '<think>', '</think>', false);
