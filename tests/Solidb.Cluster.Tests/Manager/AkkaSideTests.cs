using Solidb.Cluster.Manager;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

public sealed class AkkaSideTests
{
    /// <summary>
    /// The gossip push that carries "seen" news around a cut link uses an internal Akka.Cluster
    /// message: an Akka upgrade that drops or changes it must fail here, not silently in a partition.
    /// </summary>
    [Fact]
    public void Akka_Cluster_still_has_the_internal_message_that_pushes_full_gossip() =>
        Assert.True(AkkaSide.GossipPushSupported, "Akka.Cluster.InternalClusterAction+SendGossipTo(Address) is gone: see AkkaSide.ShareGossip");
}
