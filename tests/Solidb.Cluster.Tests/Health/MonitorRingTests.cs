using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Health;

public sealed class MonitorRingTests
{
    private static NodeId[] Nodes(int count) =>
        Enumerable.Range(0, count).Select(i => NodeId.Parse($"n{i:D2}")).ToArray();

    private static NodeId N(int i) => NodeId.Parse($"n{i:D2}");

    [Fact]
    public void Successors_are_the_next_k_node_ids_in_order()
    {
        Assert.Equal([N(4), N(5), N(6)], MonitorRing.Successors(N(3), Nodes(10), 3));
    }

    [Fact]
    public void Successors_wrap_around_the_end_of_the_ring()
    {
        Assert.Equal([N(9), N(0), N(1)], MonitorRing.Successors(N(8), Nodes(10), 3));
        Assert.Equal([N(0), N(1), N(2)], MonitorRing.Successors(N(9), Nodes(10), 3));
    }

    [Fact]
    public void The_ring_is_ordered_by_ordinal_node_id_not_by_input_order()
    {
        var members = new[] { "node-9", "node-10", "node-2", "Node-1" }.Select(NodeId.Parse).ToArray();
        var shuffled = new[] { members[2], members[0], members[3], members[1] };

        // Ordinal order: "Node-1" < "node-10" < "node-2" < "node-9".
        Assert.Equal(
            [NodeId.Parse("node-2"), NodeId.Parse("node-9")],
            MonitorRing.Successors(NodeId.Parse("node-10"), shuffled, 2));
        Assert.Equal(
            MonitorRing.Successors(NodeId.Parse("node-10"), members, 2),
            MonitorRing.Successors(NodeId.Parse("node-10"), shuffled, 2));
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(6, 5)]
    [InlineData(2, 1)]
    public void Every_node_monitors_every_other_when_there_are_at_most_k_plus_1_nodes(int n, int k)
    {
        var nodes = Nodes(n);
        foreach (var self in nodes)
        {
            var successors = MonitorRing.Successors(self, nodes, k);
            Assert.Equal(nodes.Where(x => x != self).Order(), successors.Order());
        }
    }

    [Fact]
    public void A_node_alone_monitors_nobody()
    {
        Assert.Empty(MonitorRing.Successors(N(0), [], 3));
        Assert.Empty(MonitorRing.Successors(N(0), [N(0)], 3));
    }

    [Fact]
    public void With_10_nodes_and_k_3_each_node_is_monitored_by_exactly_3_others()
    {
        var nodes = Nodes(10);
        var monitoredBy = nodes.ToDictionary(n => n, _ => new List<NodeId>());
        foreach (var self in nodes)
        {
            var successors = MonitorRing.Successors(self, nodes, 3);
            Assert.Equal(3, successors.Count);
            foreach (var target in successors)
            {
                monitoredBy[target].Add(self);
            }
        }

        foreach (var (target, monitors) in monitoredBy)
        {
            Assert.Equal(3, monitors.Count);
            Assert.Equal(3, monitors.Distinct().Count());
            Assert.DoesNotContain(target, monitors);
        }
    }

    [Fact]
    public void For_every_size_and_k_each_node_is_monitored_by_min_k_and_n_minus_1_distinct_others_and_never_itself()
    {
        for (var n = 1; n <= 12; n++)
        {
            for (var k = 1; k <= 6; k++)
            {
                var nodes = Nodes(n);
                var monitoredBy = nodes.ToDictionary(x => x, _ => 0);
                foreach (var self in nodes)
                {
                    var successors = MonitorRing.Successors(self, nodes, k);
                    Assert.DoesNotContain(self, successors);
                    Assert.Equal(successors.Count, successors.Distinct().Count());
                    Assert.Equal(Math.Min(k, n - 1), successors.Count);
                    foreach (var target in successors)
                    {
                        monitoredBy[target]++;
                    }
                }

                Assert.All(monitoredBy.Values, count => Assert.Equal(Math.Min(k, n - 1), count));
            }
        }
    }

    [Fact]
    public void Self_is_on_the_ring_whether_or_not_the_member_list_includes_it()
    {
        var others = Nodes(6).Where(x => x != N(2)).ToArray();

        Assert.Equal(MonitorRing.Successors(N(2), Nodes(6), 2), MonitorRing.Successors(N(2), others, 2));
        Assert.Equal([N(3), N(4)], MonitorRing.Successors(N(2), others, 2));
    }

    [Fact]
    public void Duplicate_members_count_once()
    {
        var doubled = Nodes(4).Concat(Nodes(4)).ToArray();

        Assert.Equal([N(2), N(3), N(0)], MonitorRing.Successors(N(1), doubled, 5));
    }
}
