import { testStackEnv } from './stack.ts';

Object.assign(process.env, testStackEnv());
