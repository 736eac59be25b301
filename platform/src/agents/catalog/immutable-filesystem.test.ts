import { describeCases } from '../testing/run-cases.ts';
import { immutableFilesystemCases } from './immutable-filesystem.cases.ts';
import { immutableFilesystem } from './immutable-filesystem.ts';

describeCases(immutableFilesystem, immutableFilesystemCases);
