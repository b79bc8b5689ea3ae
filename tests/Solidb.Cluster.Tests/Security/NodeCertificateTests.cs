using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

/// <summary>The rule that binds a node to its certificate: only a node certificate, and only its id.</summary>
public sealed class NodeCertificateTests
{
    private static readonly NodeId Node1 = NodeId.Parse("node1");

    [Fact]
    public void A_node_identity_gives_its_node_id()
    {
        Assert.Equal(Node1, NodeCertificate.IdOf(new PeerIdentity(IdentityKind.Node, "node1"), null, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void A_service_identity_is_no_node()
    {
        Assert.Null(NodeCertificate.IdOf(new PeerIdentity(IdentityKind.Service, "billing"), null, out var problem));
        Assert.StartsWith("is the certificate of service 'billing', not of a node", problem);
        Assert.Contains("solidb-certs --nodes ID", problem);
    }

    [Fact]
    public void No_identity_is_no_node_and_says_why_and_to_reissue()
    {
        Assert.Null(NodeCertificate.IdOf(null, "names no SoliDB identity (...)", out var problem));
        Assert.StartsWith("names no SoliDB identity (...): a node needs a node certificate", problem);
        Assert.Contains("must be re-issued", problem);
    }

    [Fact]
    public void Without_node_id_the_node_runs_as_its_certificate_names() =>
        Assert.Equal(Node1, NodeCertificate.RunAs(Node1, "node1.crt", requested: null));

    [Fact]
    public void The_same_node_id_runs() =>
        Assert.Equal(Node1, NodeCertificate.RunAs(Node1, "node1.crt", NodeId.Parse("node1")));

    [Fact]
    public void Another_node_id_is_one_line_naming_both_flags_the_file_and_both_ids()
    {
        var e = Assert.Throws<SettingsException>(() => NodeCertificate.RunAs(Node1, "/etc/solidb/node1.crt", NodeId.Parse("node2")));

        Assert.StartsWith("node id 'node2' (--node-id) is not the node id 'node1' that the TLS certificate '/etc/solidb/node1.crt' (--tls-cert) names", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Node_ids_differ_by_case() =>
        Assert.Throws<SettingsException>(() => NodeCertificate.RunAs(Node1, "node1.crt", NodeId.Parse("Node1")));
}
