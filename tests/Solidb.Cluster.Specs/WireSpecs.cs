using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>
/// What a process that reaches a node's Akka.Remote port without being a member can do: nothing.
/// Every payload is sent over a real association from <see cref="ForeignSystem"/>. After each
/// attack an Identify through the same association (so ordered after it) proves the targets alive
/// and that anything delivered would already have arrived.
/// </summary>
[Collection(SpecCollection.Name)]
public sealed class WireSpecs(ITestOutputHelper helper) : TestKit(output: helper)
{
    private readonly ITestOutputHelper output = helper;

    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_forged_heartbeat_with_term_long_MaxValue_or_a_members_id_changes_no_term()
    {
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var before = await StatusesAsync(cluster);
        await using var foreign = ForeignSystem.Start();
        var victim = cluster[2];
        var member = cluster[2].Context.Members.Snapshot.Find(cluster[1].Context.NodeId)!;
        var stamp = victim.Context.Clock.Now();

        var hb = foreign.Module(victim, HeartbeatActor.Name);
        hb.Tell(new Heartbeat("ghost", 1, 1, long.MaxValue - 1, true, stamp, stamp));              // the attack
        hb.Tell(new Heartbeat("ghost", 1, 2, long.MaxValue, true, stamp, stamp));
        hb.Tell(new Heartbeat(member.NodeId.Value, member.Uid, 3, 1_000, true, stamp, stamp));   // a member's id, sent from elsewhere
        hb.Tell(new HeartbeatAck(member.NodeId.Value, member.Uid, -5, 1_000, stamp));            // crashed the actor before
        hb.Tell(new ProbeRequest(member.NodeId.Value, victim.NodeId, 1, null!, 4, stamp));       // so did this
        var election = foreign.Module(victim, Election.ElectionActor.Name);
        election.Tell(new RequestVote(member.NodeId.Value, 1_000, false, stamp));
        election.Tell(new VoteReply(member.NodeId.Value, before.Statuses[2].Election.Term + 1, true, false, stamp));
        election.Tell(new RequestVote("ghost", 1_000, false, stamp), ActorRefs.NoSender);
        var heartbeatUid = await UidAsync(foreign.Module(victim, HeartbeatActor.Name));

        await AssertNothingChangedAsync(cluster, before);
        Assert.Equal(heartbeatUid, await UidAsync(foreign.Module(victim, HeartbeatActor.Name))); // never restarted
        var rejections = victim.Context.Counters.Snapshot().Rejections;
        output.WriteLine("rejections on the victim: " + string.Join(", ", rejections.Where(r => r.Value > 0)));
        Assert.True(rejections["term_out_of_range"] >= 2, "term_out_of_range");
        Assert.True(rejections["unknown_sender"] >= 4, "unknown_sender");
        Assert.True(rejections["invalid_field"] >= 2, "invalid_field");
    }

    [Fact]
    public async Task Payloads_a_non_member_sends_are_refused_before_anything_is_built_or_delivered()
    {
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var before = await StatusesAsync(cluster);
        var victim = cluster[1];
        var canaryProbe = CreateTestProbe(victim.System);
        var canary = victim.System.ActorOf(Props.Create(() => new Canary(canaryProbe)), "canary");
        var refusedBefore = victim.Context.Counters.Snapshot().Rejections["serialization"];
        await using var foreign = ForeignSystem.Start();
        var stamp = victim.Context.Clock.Now();
        var heartbeatBytes = victim.System.Serialization.FindSerializerForType(typeof(Heartbeat))
            .ToBinary(new Heartbeat(victim.NodeId, 1, 1, 1, false, stamp, stamp));

        var supervisor = foreign.Module(victim);
        var target = foreign.Path(victim, "/user/canary");
        var daemon = foreign.Path(victim, "/system/cluster/core/daemon");
        supervisor.Tell(LeaveCluster.Instance);                                                    // JSON, a local-only type: the node left before
        target.Tell(new ForgedProtocolBytes(OffListHyperionPayload()));                            // Hyperion naming a type off the allow-list
        target.Tell(new ForgedProtocolBytes(heartbeatBytes[..(heartbeatBytes.Length / 2)]));       // truncated
        target.Tell(new ForgedProtocolBytes([.. Enumerable.Range(0, 200).Select(i => (byte)(i * 37))])); // garbage
        target.Tell(new UnknownIdBytes([1, 2, 3]));                                                // a serializer id nobody has
        target.Tell(new Status.Failure(new CanaryException()));                                    // Akka builds the named exception type
        target.Tell(PoisonPill.Instance);
        target.Tell(Kill.Instance);
        foreign.Module(victim, HeartbeatActor.Name).Tell(PoisonPill.Instance);
        daemon.Tell(ClusterUserAction("Leave", victim.Address));                                  // Akka's own leave
        daemon.Tell(ClusterUserAction("Down", cluster[0].Address));                               // and down, of another node
        foreign.System.ActorOf(Props.Create(() => new DeployedCanary())
            .WithDeploy(Deploy.None.WithScope(new RemoteScope(victim.Address))), "deployed");    // remote deployment

        target.Tell(new GetTimestamp());                                                           // a harmless type, but /user/canary is no trusted path

        // Identify through the same association answers only after everything before it was
        // dispatched (trusted paths only: untrusted mode drops selections to /user/canary).
        Assert.NotNull(await IdentifyAsync(foreign.Module(victim, HeartbeatActor.Name)));
        Assert.NotNull(await IdentifyAsync(daemon));
        Assert.NotNull(await IdentifyAsync(supervisor));
        Assert.NotNull(await IdentifyAsync(victim.System.ActorSelection("/user/canary")));         // alive: no PoisonPill or Kill got in
        await canaryProbe.ExpectNoMsgAsync(TimeSpan.Zero);                                                 // nothing was delivered
        Assert.Equal(0, DeployedCanary.Constructed);                                                // nothing was built
        await AssertNothingChangedAsync(cluster, before);
        var refused = victim.Context.Counters.Snapshot().Rejections["serialization"] - refusedBefore;
        output.WriteLine($"serialization refusals on the victim: {refused}");
        Assert.True(refused >= 11, $"only {refused} serialization refusals counted");
        Assert.False(canary.IsNobody());
    }

    private Task AssertNothingChangedAsync(InProcessCluster cluster, ClusterSnapshot before) =>
        before.AssertUnchangedAsync(this, cluster, Window, Converge);

    private static Task<ClusterSnapshot> StatusesAsync(InProcessCluster cluster) => ClusterSnapshot.TakeAsync(cluster);

    private static Task<IActorRef?> IdentifyAsync(ActorSelection selection) => ClusterSnapshot.IdentifyAsync(selection, Converge);

    private static async Task<long> UidAsync(ActorSelection selection) =>
        (await IdentifyAsync(selection))?.Path.Uid ?? throw new InvalidOperationException($"{selection} is gone");

    /// <summary>Akka's internal Leave/Down command for an address, as the cluster serializer writes it.</summary>
    private static object ClusterUserAction(string name, Address address) =>
        Activator.CreateInstance(Type.GetType($"Akka.Cluster.ClusterUserAction+{name}, Akka.Cluster", throwOnError: true)!,
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
            null, [address], null)!;

    /// <summary>What plain Hyperion writes for a type that is not on the module's allow-list.</summary>
    private static byte[] OffListHyperionPayload()
    {
        using var stream = new MemoryStream();
        new Hyperion.Serializer().Serialize(new OffList("x", 42), stream);
        return stream.ToArray();
    }

    private sealed record OffList(string Name, int Value);

    private sealed class CanaryException() : Exception("canary");

    /// <summary>Forwards everything it receives to a probe: any delivery is seen.</summary>
    private sealed class Canary(IActorRef probe) : ReceiveActor
    {
        protected override bool AroundReceive(Receive receive, object message)
        {
            probe.Tell(message);
            return true;
        }
    }

    private sealed class DeployedCanary : ReceiveActor
    {
        private static int _constructed;

        public DeployedCanary() => Interlocked.Increment(ref _constructed);

        public static int Constructed => Volatile.Read(ref _constructed);
    }
}
