using System.Globalization;
using System.Text.Json;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Events;
using Solidb.Cmd.Cli;
using Solidb.Cmd.Output;

namespace Solidb.Cmd.Commands;

/// <summary>
/// <c>cluster tail</c>: the event stream, one line per event (or one JSON event per line), resumed across reconnects by
/// the client library; Ctrl-C ends it with exit 0. A first read checks that some node answers (else exit 3).
/// </summary>
public static class TailCommand
{
    public static async Task<int> RunAsync(CommandContext ctx)
    {
        var since = ctx.Line.Options.Last("--since") is { } s ? ParseSince(s) : (long?)null;
        var types = ctx.Line.Options.All("--types").SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        foreach (var type in types)
        {
            if (!EventTypes.All.Contains(type))
            {
                throw new UsageException($"invalid value for --types: unknown event type '{type}' (expected some of: {string.Join(", ", EventTypes.All)})");
            }
        }

        var answered = (await ctx.Session.ReadAsync((c, t) => c.GetReadyAsync(t), ctx.Cancellation)).Node;
        var nodes = ctx.Session.Nodes.Where(n => n == answered).Concat(ctx.Session.Nodes.Where(n => n != answered)).ToList();
        var client = new ClusterEventsClient(nodes, new ClusterEventsOptions
        {
            Since = since,
            Types = types.Count > 0 ? types : null,
            CaCertificateFile = ctx.Globals.TlsCa,
            ConnectTimeout = ctx.Globals.Timeout,
            BearerToken = ctx.Session.Token,
            OnProblem = ctx.Warn,
        });
        try
        {
            await foreach (var e in client.WatchAsync(ctx.Cancellation))
            {
                ctx.Out.Line(ctx.Out.Json ? JsonSerializer.Serialize(e, ClusterJson.Options) : EventLines.Line(e));
                await ctx.Out.Writer.FlushAsync(ctx.Cancellation);
            }
        }
        catch (OperationCanceledException) when (ctx.Cancellation.IsCancellationRequested)
        {
            // Ctrl-C: the operator is done watching.
        }

        return ExitCodes.Ok;
    }

    private static long ParseSince(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? seq
            : throw new UsageException($"invalid value for --since: '{text}' (expected an event seq, a whole number >= 0)");
}
