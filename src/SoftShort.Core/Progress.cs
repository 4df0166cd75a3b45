namespace SoftShort;

/// <summary>
/// Progress of long work, reported by core algorithms through <see cref="IProgress{T}"/> so that the CLI can
/// draw a progress bar and a notebook can stay quiet. <paramref name="Fraction"/> runs from 0 to 1.
/// </summary>
public readonly record struct ProgressReport(string Task, double Fraction);
