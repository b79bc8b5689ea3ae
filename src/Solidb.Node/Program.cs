using System.Runtime.InteropServices;
using Akka.Actor;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Security;
using Solidb.Node.Cli;
using Solidb.Node.Hosting;

namespace Solidb.Node;

public static class Program
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static async Task<int> Main(string[] args)
    {
        DataDirectory? dataDir = null;
        try
        {
            var cli = CommandLine.Parse(args);
            if (cli.Help)
            {
                Console.WriteLine(CommandLine.HelpText(NodeContext.ModuleVersion));
                return ExitOk;
            }

            if (cli.Version)
            {
                Console.WriteLine($"solidb {NodeContext.ModuleVersion}");
                return ExitOk;
            }

            var (layered, settings) = Validate(cli, Environment.GetEnvironmentVariable);
            using var tls = TlsMaterial.Load(settings.Tls, TimeProvider.System);
            if (TransportSecurity.InsecureWarning(settings) is { } warning)
            {
                Console.Error.WriteLine($"solidb: warning: {warning}");
            }
            // With TLS the node is the one its certificate names: --node-id must agree, and the data dir's id too.
            dataDir = tls is null
                ? DataDirectory.Open(settings.DataDir, settings.NodeId)
                : DataDirectory.Open(settings.DataDir, tls.RunAs(settings.NodeId), tls.CertFile);
            if (Solidb.Cluster.Admin.OperatorDownRecord.StartRefusal(dataDir.Path) is { } downed)
            {
                return Fail(ExitUsage, downed);
            }

            var adminToken = Solidb.Cluster.Admin.AdminToken.Resolve(settings.Http, dataDir.Path);

            var rejoinOnly = false;
            var budget = new RestartBudget(settings.Restart, TimeProvider.System);
            while (true)
            {
                await Task.Delay(NodeContext.ClockStartDelay(settings, dataDir, TimeProvider.System), TimeProvider.System);
                var (code, next) = await RunOnce(NodeContext.Create(settings, dataDir, TimeProvider.System, rejoinOnly, budget.History), layered, tls, adminToken);
                if (!next.IsRestart)
                {
                    return code;
                }

                // Akka's down can end the incarnation before the operator's down does: the record decides.
                if (Solidb.Cluster.Admin.OperatorDownRecord.Read(dataDir.Path) is { } record)
                {
                    return Fail(Solidb.Cluster.Admin.OperatorDownRecord.ExitCode, Solidb.Cluster.Admin.OperatorDownRecord.ExitLine(dataDir.Path, record));
                }

                // A node that keeps ending its incarnations waits before the next one (solidb.restart).
                var delay = budget.Record(next.Cause!.Value);
                if (delay.BacksOff)
                {
                    Console.Error.WriteLine($"solidb: {budget.Describe(delay)}");
                    if (!await BackOff(delay.Wait))
                    {
                        return ExitOk;
                    }
                }

                // Self-healing: the cluster downed this incarnation (e.g. it was on the minority
                // side of a healed partition), or its join timed out (JoinWatch).
                // Start a new incarnation under the same node id.
                var identity = dataDir.Reincarnate();
                rejoinOnly = next.Next == NextIncarnation.RejoinOnly;
                Console.Error.WriteLine(rejoinOnly
                    ? $"solidb: this incarnation ended ({Restarts.Describe(next.Cause!.Value)}); rejoining as incarnation {identity.Incarnation}"
                    : $"solidb: this incarnation ended ({Restarts.Describe(next.Cause!.Value)}); restarting as incarnation {identity.Incarnation} under the normal bootstrap rule");
            }
        }
        catch (Exception e) when (e is UsageException or SettingsException or DataDirectoryException)
        {
            return Fail(ExitUsage, e.Message);
        }
        catch (Exception e) when (FileErrors.Classify(e) != FileErrorKind.Other)
        {
            // A file error that escaped the data dir's own reporting (which names the file):
            // still one line with its cause, never an exception type.
            return Fail(ExitUsage, $"{FileErrors.Cause(e)}: {e.Message.ReplaceLineEndings(" ")}");
        }
        catch (Exception e)
        {
            return Fail(ExitFailure, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            dataDir?.Dispose();
        }
    }

    /// <summary>
    /// Everything start-up checks before it opens the data dir and starts the host: the layered
    /// settings, the bind host and both ports. Throws only <see cref="UsageException"/> and
    /// <see cref="SettingsException"/> (the fuzz tests call it in-process).
    /// </summary>
    public static NodeConfiguration.Loaded Validate(CommandLine cli, Func<string, string?> environment)
    {
        var loaded = NodeConfiguration.Load(cli, environment);
        AkkaSettingsCheck.Validate(loaded.Layered);
        var bind = PortCheck.ResolveBindAddress(loaded.Settings.Host);
        PortCheck.EnsureFree(bind, loaded.Settings.Port, "--port");
        PortCheck.EnsureFree(bind, loaded.Settings.HttpPort, "--http-port");
        return loaded;
    }

    /// <summary>One incarnation: host, actor system, HTTP. Returns the exit code and what follows.</summary>
    private static async Task<(int Code, IncarnationEnd End)> RunOnce(NodeContext node, Akka.Configuration.Config layered, TlsMaterial? tls,
        Solidb.Cluster.Admin.AdminToken adminToken)
    {
        await using var app = NodeHost.Build(node, layered, tls, adminToken);
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (IsBindFailure(e))
        {
            return (Fail(ExitUsage, $"cannot bind: {Innermost(e).Message}"), new IncarnationEnd(NextIncarnation.Exit, null, null));
        }

        var system = app.Services.GetRequiredService<ActorSystem>();
        await app.WaitForShutdownAsync();
        var end = Restarts.Decide(TerminationWatch.Get(system).Reason);
        return (end.Error is { } error ? Fail(end.ExitCode, error) : ExitOk, end);
    }

    /// <summary>
    /// Waits out a back-off between incarnations. No host runs meanwhile, so SIGTERM and Ctrl-C
    /// are handled here: they end the wait and the process exits 0 (false), as they would from
    /// a running incarnation.
    /// </summary>
    private static async Task<bool> BackOff(TimeSpan wait)
    {
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            await Task.Delay(wait, TimeProvider.System, stop.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("solidb: stopped while backing off; exiting");
            return false;
        }
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"solidb: error: {UserText.OneLine(message)}");
        return code;
    }

    private static bool IsBindFailure(Exception e) => Innermost(e) switch
    {
        System.Net.Sockets.SocketException => true,
        IOException io => io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
