import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('glm45', '<think>', '</think>', false);
