import { describe, expect, it } from 'vitest';
import { clientError, container, ec2Task, rejection } from './fixtures.js';

describe('names and shape', () => {
  it('accepts a minimal EC2 definition', () => {
    expect(rejection(ec2Task())).toBeUndefined();
  });

  it('refuses a blank family', () => {
    expect(rejection(ec2Task({ family: '' }))).toEqual(clientError('Family can not be blank.'));
  });

  it('refuses a family with other characters', () => {
    expect(rejection(ec2Task({ family: 'my.app' }))).toEqual(clientError('Family contains invalid characters.'));
  });

  it('refuses a family longer than 255', () => {
    expect(rejection(ec2Task({ family: 'a'.repeat(256) }))).toEqual(clientError('Family contains invalid characters.'));
  });

  it('accepts a 255-character family of letters, numbers, hyphens and underscores', () => {
    expect(rejection(ec2Task({ family: `A-z_9${'x'.repeat(250)}` }))).toBeUndefined();
  });

  it('refuses an empty container list', () => {
    expect(rejection(ec2Task({ containerDefinitions: [] }))).toEqual(clientError('Container list cannot be empty.'));
  });

  it('refuses more than 10 containers', () => {
    const containers = Array.from({ length: 11 }, (_, i) => container({ name: `c${i}` }));
    expect(rejection(ec2Task({ containerDefinitions: containers }))).toEqual(clientError('Too many containers.'));
  });

  it('accepts 10 containers', () => {
    const containers = Array.from({ length: 10 }, (_, i) => container({ name: `c${i}` }));
    expect(rejection(ec2Task({ containerDefinitions: containers }))).toBeUndefined();
  });

  it('refuses a container without a name', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ name: undefined })] }))).toEqual(
      clientError('Container.name should not be null or empty.'),
    );
  });

  it('refuses a container name with other characters', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ name: 'web app' })] }))).toEqual(
      clientError('Container.name contains invalid characters.'),
    );
  });

  it('refuses two containers of one name', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container(), container()] }))).toEqual(
      clientError('Container names must be unique within a Task Definition.'),
    );
  });

  it('refuses a container without an image', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ image: '' })] }))).toEqual(
      clientError('Container.image should not be null or empty.'),
    );
  });
});
