namespace Solidb.Cmd.Output;

/// <summary>A table to print: column headers and rows of text cells (already formatted).</summary>
public sealed record TableData(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>Two columns without headers: a record's fields and their values.</summary>
    public static TableData Fields(params (string Name, string Value)[] fields) =>
        new([], fields.Select(f => (IReadOnlyList<string>)[f.Name, f.Value]).ToList());
}
