using Akka.Actor;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
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

            var (layered, settings) = NodeConfiguration.Load(cli, Environment.GetEnvironmentVariable);
            var bind = PortCheck.ResolveBindAddress(settings.Host);
            PortCheck.EnsureFree(bind, settings.Port, "--port");
            PortCheck.EnsureFree(bind, settings.HttpPort, "--http-port");
            dataDir = DataDirectory.Open(settings.DataDir, settings.NodeId);

            var node = NodeContext.Create(settings, dataDir, TimeProvider.System);
            await using var app = NodeHost.Build(node, layered);
            try
            {
                await app.StartAsync();
            }
            catch (Exception e) when (IsBindFailure(e))
            {
                return Fail(ExitUsage, $"cannot bind: {Innermost(e).Message}");
            }

            var system = app.Services.GetRequiredService<ActorSystem>();
            await app.WaitForShutdownAsync();
            return ExitCodeFor(CoordinatedShutdown.Get(system).ShutdownReason);
        }
        catch (Exception e) when (e is UsageException or SettingsException or DataDirectoryException)
        {
            return Fail(ExitUsage, e.Message);
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

    /// <summary>0 after a stop we asked for (signal or leave); 1 when the cluster removed this node.</summary>
    private static int ExitCodeFor(CoordinatedShutdown.Reason? reason) => reason switch
    {
        null or CoordinatedShutdown.ClrExitReason or CoordinatedShutdown.ClusterLeavingReason => ExitOk,
        CoordinatedShutdown.ClusterDowningReason => Fail(ExitFailure, "this node was downed by the cluster"),
        CoordinatedShutdown.ClusterJoinUnsuccessfulReason => Fail(ExitFailure, "could not join the cluster"),
        _ => ExitOk,
    };

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"solidb: error: {message}");
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
