import { describe, expect, it } from 'vitest';
import { renderTable, visibleWidth } from '../../../src/outputs/table.js';

describe('renderTable', () => {
  it('sizes each column to its widest cell, numbers right, names left', () => {
    const lines = renderTable(
      [{ header: 'operation', align: 'left' }, { header: 'count' }, { header: 'p95' }],
      [
        ['mwl.find', '119,040', '3.1 ms'],
        ['qido.studies', '3,000', '61.2 ms'],
      ],
    );
    expect(lines).toEqual([
      'operation       count      p95',
      'mwl.find      119,040   3.1 ms',
      'qido.studies    3,000  61.2 ms',
    ]);
  });

  it('ignores ANSI colour codes when measuring, and applies indent and gap', () => {
    const green = '\u001b[32m✓\u001b[0m';
    const lines = renderTable([{ header: '', align: 'left' }, { header: 'name', align: 'left' }], [[green, 'a'], ['✗', 'bb']], {
      indent: '  ',
      gap: ' ',
    });
    expect(lines).toEqual(['    name', `  ${green} a`, '  ✗ bb']);
  });

  it('fills missing cells and drops trailing spaces', () => {
    expect(renderTable([{ header: 'a', align: 'left' }, { header: 'b', align: 'left' }], [['xyz']])).toEqual(['a    b', 'xyz']);
  });

  it('counts code points, not UTF-16 units or escape codes', () => {
    expect(visibleWidth('850 µs')).toBe(6);
    expect(visibleWidth('\u001b[31m✗ failed\u001b[0m')).toBe(8);
  });
});
