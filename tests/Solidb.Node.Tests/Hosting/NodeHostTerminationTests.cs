using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Node.Cli;
using Solidb.Node.Hosting;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests.Hosting;

/// <summary>
/// The node's host (Akka.Hosting + Kestrel, as Program.RunOnce runs it) in-process: what the exit
/// decision reads after the host has shut down, for a stop asked for and for an actor system that
/// stopped unasked. Akka.Hosting runs CoordinatedShutdown with ClrExitReason in both, so that
/// reason cannot tell them apart (a forged death notice made a node exit 0 that way).
/// </summary>
[Collection(ProcessCollection.Second)]
public sealed class NodeHostTerminationTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(WebApplication App, ActorSystem System, DataDirectory DataDir)> StartAsync()
    {
        var cli = CommandLine.Parse(["--node-id", "n1", "--port", FreePorts.Next().ToString(), "--http-port", FreePorts.Next().ToString(),
            "--data-dir", _dir.Sub("n1"), "--log-level", "warning"]);
        var (layered, settings) = Program.Validate(cli, _ => null);
        var dataDir = DataDirectory.Open(settings.DataDir, settings.NodeId);
        var app = NodeHost.Build(NodeContext.Create(settings, dataDir, TimeProvider.System), layered);
        await app.StartAsync().WaitAsync(Bound);
        return (app, app.Services.GetRequiredService<ActorSystem>(), dataDir);
    }

    [Fact]
    public async Task An_actor_system_stopped_unasked_stops_the_host_and_decides_exit_5_although_Akka_Hosting_ran_ClrExitReason()
    {
        var (app, system, dataDir) = await StartAsync();
        await using (app)
        using (dataDir)
        {
            // What one forged DeathWatchNotification did over the wire (AKKA-NOTES §7), delivered locally.
            var provider = ((ExtendedActorSystem)system).Provider;
            provider.RootGuardian.SendSystemMessage(new DeathWatchNotification(provider.SystemGuardian, existenceConfirmed: true, addressTerminated: false));
            await app.WaitForShutdownAsync().WaitAsync(Bound);

            Assert.NotNull(CoordinatedShutdown.Get(system).ShutdownReason); // set after the stop, by Akka.Hosting or Akka.Cluster
            var end = Restarts.Decide(TerminationWatch.Get(system).Reason);
            Assert.Equal(NextIncarnation.Exit, end.Next);
            Assert.Equal(5, end.ExitCode);
            Assert.StartsWith("the actor system stopped unexpectedly", end.Error);
        }
    }

    [Fact]
    public async Task A_host_stop_as_SIGTERM_makes_it_exits_0_even_when_read_right_after_the_host_has_shut_down()
    {
        var (app, system, dataDir) = await StartAsync();
        await using (app)
        using (dataDir)
        {
            var shutdown = app.WaitForShutdownAsync();
            app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication(); // what ConsoleLifetime does on SIGTERM
            await shutdown.WaitAsync(Bound);

            var end = Restarts.Decide(TerminationWatch.Get(system).Reason);
            Assert.Equal(NextIncarnation.Exit, end.Next);
            Assert.Null(end.Error);
            Assert.IsType<CoordinatedShutdown.ClrExitReason>(TerminationWatch.Get(system).Reason);
        }
    }
}
