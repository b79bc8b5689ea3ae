using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Bootstrap;

/// <summary>When the lowest address may form a cluster, on virtual time.</summary>
public sealed class FormationRuleTests
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();

    private FormationRule Rule(int configured) => new(_time, Id(1), configured, Freshness, Patience);

    private static string Id(int n) => $"10.0.0.{n}:6745";

    [Fact]
    public void Every_configured_node_in_no_cluster_forms_at_once()
    {
        var rule = Rule(3);
        rule.Answer(Id(2), member: false);
        rule.Answer(Id(3), member: false);

        Assert.Equal(FormationDecision.Form, rule.Decide().Decision);
    }

    [Fact]
    public void A_majority_in_no_cluster_forms_only_after_the_patience()
    {
        var rule = Rule(5);
        rule.Answer(Id(2), member: false);
        rule.Answer(Id(3), member: false);
        Assert.Equal(FormationDecision.Wait, rule.Decide().Decision);

        _time.Advance(Patience);
        rule.Answer(Id(2), member: false);
        rule.Answer(Id(3), member: false);
        Assert.Equal(new FormationVerdict(FormationDecision.Form, 3, 3, 5, null), rule.Decide());
    }

    [Fact]
    public void A_minority_never_forms_however_long_it_waits()
    {
        // The lowest address restarted while cut off from the cluster: Akka's rule would form a second cluster here.
        var rule = Rule(5);
        for (var i = 0; i < 100; i++)
        {
            rule.Answer(Id(5), member: false);
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(FormationDecision.Wait, rule.Decide().Decision);
        }

        Assert.Equal(2, rule.Decide().Unjoined);
    }

    [Fact]
    public void Alone_with_no_answer_at_all_never_forms()
    {
        var rule = Rule(3);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(new FormationVerdict(FormationDecision.Wait, 1, 2, 3, null), rule.Decide());
    }

    [Fact]
    public void A_peer_in_a_cluster_means_join_it_even_with_a_majority_unjoined()
    {
        var rule = Rule(5);
        _time.Advance(Patience);
        rule.Answer(Id(2), member: false);
        rule.Answer(Id(3), member: false);
        rule.Answer(Id(4), member: true);

        var verdict = rule.Decide();
        Assert.Equal(FormationDecision.JoinExisting, verdict.Decision);
        Assert.Equal(Id(4), verdict.Member);
    }

    [Fact]
    public void Answers_older_than_the_freshness_window_stop_counting()
    {
        var rule = Rule(5);
        rule.Answer(Id(2), member: false);
        rule.Answer(Id(3), member: false);
        _time.Advance(Patience);
        rule.Answer(Id(4), member: false);
        Assert.Equal(2, rule.Decide().Unjoined); // node2 and node3 answered too long ago
        Assert.Equal(FormationDecision.Wait, rule.Decide().Decision);

        rule.Answer(Id(2), member: false);
        Assert.Equal(FormationDecision.Form, rule.Decide().Decision);
    }

    [Fact]
    public void A_stale_member_answer_no_longer_blocks_forming()
    {
        var rule = Rule(3);
        rule.Answer(Id(2), member: true);
        _time.Advance(Freshness + TimeSpan.FromMilliseconds(1));
        rule.Answer(Id(3), member: false);
        _time.Advance(Patience);
        rule.Answer(Id(3), member: false);

        Assert.Equal(FormationDecision.Form, rule.Decide().Decision); // node1 and node3 of 3: a majority, node2 silent
    }

    [Fact]
    public void Its_own_answer_and_repeated_answers_count_once()
    {
        var rule = Rule(5);
        rule.Answer(Id(1), member: false); // itself, listed under another name
        rule.Answer(Id(2), member: false);
        rule.Answer(Id(2), member: false);
        _time.Advance(Patience);
        rule.Answer(Id(2), member: false);

        Assert.Equal(new FormationVerdict(FormationDecision.Wait, 2, 3, 5, null), rule.Decide());
    }

    [Theory]
    [InlineData(6755, "127.0.0.1:6765,127.0.0.1:6745", false, false)] // not the lowest address
    [InlineData(6745, "127.0.0.1:6765,127.0.0.1:6755", false, true)]
    [InlineData(6745, "127.0.0.1:6765,127.0.0.1:6755", true, false)] // a join-only incarnation never forms
    [InlineData(6745, "", false, false)] // no peers: Akka forms the lone cluster at once, no vote needed
    [InlineData(6745, "127.0.0.1:6745", false, false)] // only itself listed: the same
    public void Only_the_lowest_configured_address_with_peers_decides(int port, string peers, bool rejoinOnly, bool mayForm)
    {
        var layered = SolidbConfig.WithOverrides(SolidbConfig.Reference,
            [new("solidb.node.port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("solidb.node.cluster-peers", peers)]);

        Assert.Equal(mayForm, FormationRule.MayForm(ClusterSettings.FromConfig(layered), rejoinOnly));
    }
}
