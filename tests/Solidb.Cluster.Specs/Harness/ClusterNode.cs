using Akka.Actor;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>One in-process node: its actor system, supervisor and data directory.</summary>
public sealed class ClusterNode(ActorSystem system, IActorRef manager, NodeContext context, DataDirectory dataDir) : IAsyncDisposable
{
    public ActorSystem System { get; } = system;
    public IActorRef Manager { get; } = manager;
    public NodeContext Context { get; } = context;
    public DataDirectory DataDir { get; } = dataDir;
    public Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;
    public string NodeId => Context.NodeId.Value;
    public bool IsTerminated => System.WhenTerminated.IsCompleted;

    public Task<ClusterStatus> StatusAsync() =>
        Manager.Ask<ClusterStatus>(GetClusterStatus.Instance, TimeSpan.FromSeconds(5));

    /// <summary>
    /// The status, or null when the node does not answer in time: a node being downed or restarted
    /// (its actor system terminating) drops the question. For polling conditions, which must go on
    /// polling rather than fail on the one node that is between incarnations.
    /// </summary>
    public async Task<ClusterStatus?> TryStatusAsync()
    {
        try
        {
            return await StatusAsync();
        }
        catch (Exception e) when (e.GetBaseException() is AskTimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!IsTerminated)
        {
            await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }

        DataDir.Dispose();
    }
}
