/**
 * Talos's own error: the machine config or the boot payload cannot be built, for a
 * reason the cluster admin fixes (template Secret, artefact checksums, config size).
 * Messages name the Secret and field, never a value of the template.
 */
export class TalosError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TalosError';
  }
}
