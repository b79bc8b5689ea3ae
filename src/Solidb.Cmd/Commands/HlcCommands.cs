using Solidb.Cluster.Client;
using Solidb.Cmd.Cli;
using Solidb.Cmd.Output;

namespace Solidb.Cmd.Commands;

/// <summary><c>hlc now</c> (the node's fresh timestamp), <c>hlc parse</c>, <c>hlc compare</c> (no node needed).</summary>
public static class HlcCommands
{
    public static async Task<int> NowAsync(CommandContext ctx)
    {
        var status = await ctx.Session.StatusAsync(ctx.Cancellation);
        var hlc = HlcText.TryParse(status.Hlc, out var parsed)
            ? parsed
            : throw new CheckFailedException($"{status.NodeId} answered an hlc that does not parse: '{status.Hlc}'");
        Print(ctx, HlcView.Of(hlc));
        return ExitCodes.Ok;
    }

    public static Task<int> ParseAsync(CommandContext ctx)
    {
        Print(ctx, HlcView.Of(Parse(ctx.Argument(0)!)));
        return Task.FromResult(ExitCodes.Ok);
    }

    public static Task<int> CompareAsync(CommandContext ctx)
    {
        var comparison = HlcComparison.Of(Parse(ctx.Argument(0)!), Parse(ctx.Argument(1)!));
        if (ctx.Out.Json)
        {
            ctx.Out.WriteJson(comparison);
        }
        else
        {
            ctx.Out.Line(comparison.Line());
        }

        return Task.FromResult(ExitCodes.Ok);
    }

    public static HlcText Parse(string text)
    {
        try
        {
            return HlcText.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static void Print(CommandContext ctx, HlcView view)
    {
        if (ctx.Out.Json)
        {
            ctx.Out.WriteJson(view);
        }
        else
        {
            ctx.Out.Table(view.Table());
        }
    }
}
