import { describeCases } from '../testing/run-cases.ts';
import { networkExposureCases } from './network-exposure.cases.ts';
import { networkExposure } from './network-exposure.ts';

describeCases(networkExposure, networkExposureCases);
