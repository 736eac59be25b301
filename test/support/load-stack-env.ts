import { readStackEnv } from './stack.ts';

Object.assign(process.env, readStackEnv());
