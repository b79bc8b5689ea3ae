using System.Diagnostics.CodeAnalysis;

namespace Solidb.Cluster.Membership;

/// <summary>
/// A node's stable identity: 1-64 characters of letters, digits, '.', '_' or '-'.
/// It survives restarts (persisted in the data dir) and rides on the Akka member as a role.
/// </summary>
public readonly record struct NodeId : IComparable<NodeId>
{
    public const int MaxLength = 64;

    private NodeId(string value) => Value = value;

    public string Value { get; }

    public static NodeId Parse(string? text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    public static bool TryParse(string? text, out NodeId id) => TryParse(text, out id, out _);

    public static bool TryParse(string? text, out NodeId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "node id is empty (use 1-64 letters, digits, '.', '_' or '-')";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"node id '{Truncate(text)}' is {text.Length} characters long (at most {MaxLength})";
            return false;
        }

        foreach (var c in text)
        {
            if (!IsAllowed(c))
            {
                error = $"node id '{text}' contains '{c}' (use letters, digits, '.', '_' or '-')";
                return false;
            }
        }

        error = null;
        id = new NodeId(text);
        return true;
    }

    public int CompareTo(NodeId other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? "";

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static string Truncate(string text) => text.Length <= 20 ? text : text[..20] + "...";
}
