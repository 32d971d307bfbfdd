import { thinkTagVectors } from './think-tags';

export default thinkTagVectors('kimi', '◁think▷', '◁/think▷', false);
