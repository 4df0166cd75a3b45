namespace SoftShort;

/// <summary>
/// Bad input that the user can fix: a corrupt or truncated file, a shape mismatch, an impossible parameter.
/// The message is one line that names the file (or parameter) and the problem; the CLI prints it without a stack trace.
/// </summary>
public class InputException : Exception
{
    /// <summary>The file or parameter at fault (may be empty when no file is involved).</summary>
    public string Subject { get; }

    public InputException(string subject, string problem, Exception? inner = null)
        : base(string.IsNullOrEmpty(subject) ? problem : $"{subject}: {problem}", inner)
    {
        Subject = subject;
    }

    /// <summary>Throws an <see cref="InputException"/> naming a parameter when <paramref name="ok"/> is false.</summary>
    public static void Require(bool ok, string parameter, string problem)
    {
        if (!ok) throw new InputException(parameter, problem);
    }
}
