using System.Text.Json;
using Solidb.Cluster.Client;
using Spectre.Console;

namespace Solidb.Cmd.Output;

/// <summary>
/// Where a command prints: tables drawn by Spectre.Console on a terminal (<see cref="Fancy"/>), plain aligned text
/// otherwise (stdout redirected or <c>NO_COLOR</c> set), or JSON with <c>--json</c>.
/// </summary>
public sealed class ConsoleOutput(TextWriter writer, bool fancy, bool json)
{
    public TextWriter Writer { get; } = writer;

    public bool Fancy { get; } = fancy;

    public bool Json { get; } = json;

    public void Line(string text) => Writer.WriteLine(text);

    /// <summary>The model as one JSON document (the node's own snake_case form, <see cref="ClusterJson.Options"/>).</summary>
    public void WriteJson<T>(T value) => Writer.WriteLine(JsonSerializer.Serialize(value, ClusterJson.Options));

    public void Table(TableData table)
    {
        if (Fancy)
        {
            WriteFancy(table);
        }
        else
        {
            Writer.Write(Plain(table));
        }
    }

    /// <summary>Columns padded to their widest cell, two spaces apart, headers in capitals; no trailing spaces.</summary>
    public static string Plain(TableData table)
    {
        var rows = new List<IReadOnlyList<string>>();
        if (table.Headers.Count > 0)
        {
            rows.Add(table.Headers.Select(h => h.ToUpperInvariant()).ToList());
        }

        rows.AddRange(table.Rows);
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var row in rows)
        {
            var line = string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c])));
            text.Append(line.TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The Spectre.Console rendering (also used by the tests, without colours).</summary>
    public static void RenderFancy(TableData table, IAnsiConsole console)
    {
        var grid = new Table().Border(table.Headers.Count > 0 ? TableBorder.Rounded : TableBorder.None);
        if (table.Headers.Count > 0)
        {
            foreach (var header in table.Headers)
            {
                grid.AddColumn(new TableColumn(new Markup("[bold]" + Markup.Escape(header) + "[/]")));
            }
        }
        else
        {
            var columns = table.Rows.Count == 0 ? 0 : table.Rows.Max(r => r.Count);
            for (var c = 0; c < columns; c++)
            {
                grid.AddColumn(new TableColumn(c == 0 ? "field" : "value"));
            }

            grid.HideHeaders();
        }

        foreach (var row in table.Rows)
        {
            grid.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)).ToArray());
        }

        console.Write(grid);
    }

    private void WriteFancy(TableData table)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Writer),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });
        RenderFancy(table, console);
    }
}
