import { describe, expect, it } from 'vitest';
import { checkParameters } from './parameters.ts';
import { builtInTemplates } from './templates.ts';

const ml = builtInTemplates.get('ml_model_lifecycle');
const given = (image: string) => ({ image, workload: 'deployment/model-server' });
const allowed = { allowedRegistries: ['registry.example.com:5000', 'docker.io'] };

describe('images a run chooses, against the organization’s allowed registries', () => {
  if (!ml) throw new Error('no ml_model_lifecycle');
  it.each([
    ['an image of an allowed registry with a port', 'registry.example.com:5000/ml/model:v2'],
    ['a Docker Hub image without a registry', 'python:3.12'],
    ['a Docker Hub image under its other name', 'index.docker.io/library/python:3.12'],
  ])('accepts %s', (_, image) => {
    expect(checkParameters(ml, given(image), allowed).ok).toBe(true);
  });

  it.each([
    ['another registry', 'evil.example.com/miner:latest', 'evil.example.com'],
    ['the allowed host on another port', 'registry.example.com/ml/model:v2', 'registry.example.com'],
    ['localhost', 'localhost:5000/x', 'localhost:5000'],
  ])('refuses %s, naming the parameter', (_, image, registry) => {
    expect(checkParameters(ml, given(image), allowed)).toEqual({
      ok: false,
      errors: [
        {
          parameter: 'image',
          message: `names an image from ${registry}, which is not one of the organization's allowed registries (registry.example.com:5000, docker.io)`,
        },
      ],
    });
  });

  it('allows any registry where the organization lists none', () => {
    expect(checkParameters(ml, given('evil.example.com/miner:latest')).ok).toBe(true);
    expect(checkParameters(ml, given('evil.example.com/miner:latest'), { allowedRegistries: [] }).ok).toBe(
      true,
    );
  });
});
