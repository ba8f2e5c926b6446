// Lint rules that enforce the architecture (docs/architecture.md section 2): the dependency
// direction between layers, and that only src/cli/ touches `process` or the console.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers that a directory must not import, lowest layers first. */
const forbiddenImports = {
  'src/errors.ts': ['wire', 'metrics', 'synth', 'protocol', 'profile', 'scheduler', 'operations', 'outputs', 'simulator', 'coordinator', 'cli'],
  'src/wire': ['synth', 'protocol', 'profile', 'scheduler', 'operations', 'outputs', 'simulator', 'coordinator', 'cli'],
  'src/metrics': ['synth', 'protocol', 'scheduler', 'operations', 'outputs', 'simulator', 'coordinator', 'cli'],
  'src/synth': ['metrics', 'protocol', 'scheduler', 'operations', 'outputs', 'simulator', 'coordinator', 'cli'],
  'src/protocol': ['metrics', 'scheduler', 'operations', 'outputs', 'simulator', 'coordinator', 'cli', 'profile'],
  'src/profile': ['synth', 'protocol', 'scheduler', 'operations', 'outputs', 'simulator', 'coordinator', 'cli'],
  'src/scheduler': ['protocol', 'operations', 'outputs', 'simulator', 'coordinator', 'cli'],
  'src/operations': ['scheduler', 'outputs', 'simulator', 'coordinator', 'cli'],
  'src/outputs': ['protocol', 'scheduler', 'operations', 'simulator', 'coordinator', 'cli', 'synth'],
  'src/simulator': ['scheduler', 'operations', 'outputs', 'coordinator', 'cli', 'metrics'],
  'src/coordinator': ['cli'],
  // After-the-run tools and planners: they read summaries and profiles, never talk to a target.
  'src/report': ['protocol', 'scheduler', 'operations', 'simulator', 'coordinator', 'cli', 'synth'],
  'src/plan': ['protocol', 'scheduler', 'operations', 'simulator', 'coordinator', 'cli'],
  'src/export': ['protocol', 'operations', 'outputs', 'simulator', 'coordinator', 'cli'],
  'src/distributed': ['protocol', 'operations', 'outputs', 'simulator', 'coordinator', 'cli', 'synth'],
  // The probe drives autocannon, not our protocol clients.
  'src/probe': ['protocol', 'scheduler', 'operations', 'simulator', 'coordinator', 'cli'],
  // workers/ may start a private simulator: a loopback peer for the JIT warm-up.
  'workers': ['cli', 'coordinator', 'outputs'],
};

const boundaryConfigs = Object.entries(forbiddenImports).map(([area, layers]) => ({
  files: area.endsWith('.ts') ? [area] : [`${area}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: layers.map((layer) => ({
        // metrics/names.ts is the lowest layer with errors and wire: anyone may use it.
        regex: layer === 'metrics' ? '(^|/)(src/)?metrics/(?!names\\.js$)' : `(^|/)(src/)?${layer}(/|\\.js$)`,
        message: `${area} must not import ${layer} (docs/architecture.md section 2: dependency direction).`,
        // wire/ describes messages that carry profiles and snapshots: types only.
        allowTypeImports: area === 'src/wire',
      })),
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'out/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'Only src/cli/ touches process (docs/architecture.md section 2); pass values in.' }],
      'no-restricted-properties': ['error', { object: 'process', message: 'Only src/cli/ touches process.' }],
    },
  },
  ...boundaryConfigs,
  {
    // The command's entry point: plain JavaScript for Node, which checks the Node version before loading the CLI.
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
);
