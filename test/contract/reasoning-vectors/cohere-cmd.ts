import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('cohere_cmd', '<|START_THINKING|>', '<|END_THINKING|>', false);
