import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECTIONS } from '@snakepit/battlesnake';

test('the workspace package resolves from source', () => {
  assert.deepEqual(DIRECTIONS, ['up', 'down', 'left', 'right']);
});
