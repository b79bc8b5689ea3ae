using Microsoft.Extensions.Primitives;
using Solidb.Cluster.Client.Events;
using Solidb.Node.Http.Events;
using Xunit;

namespace Solidb.Node.Tests.Events;

public class EventStreamQueryTests
{
    private static (EventStreamQuery? Query, string? Error) Parse(params (string Key, string Value)[] query) =>
        EventStreamQuery.Parse(query.GroupBy(p => p.Key).Select(g => KeyValuePair.Create(g.Key, new StringValues(g.Select(p => p.Value).ToArray()))));

    [Fact]
    public void No_parameters_asks_for_a_snapshot_and_every_type()
    {
        var (query, error) = Parse();
        Assert.Null(error);
        Assert.Equal(new EventStreamQuery(null, null, null), query);
    }

    [Fact]
    public void Since_incarnation_and_types_are_read()
    {
        var (query, error) = Parse(("since", "0"), ("incarnation", "3"), ("types", "leader_changed, member_state_changed"));
        Assert.Null(error);
        Assert.Equal(0, query!.Since);
        Assert.Equal(3, query.Incarnation);
        Assert.Equal(new[] { EventTypes.LeaderChanged, EventTypes.MemberStateChanged }.Order(), query.Types!.Order());
    }

    [Fact]
    public void Empty_types_means_every_type()
    {
        Assert.Null(Parse(("types", "")).Query!.Types);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    public void A_since_that_is_no_non_negative_integer_is_refused_naming_it(string since)
    {
        var (query, error) = Parse(("since", since));
        Assert.Null(query);
        Assert.Equal($"invalid since '{since}': expected a non-negative integer (the last seq received)", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("x")]
    public void An_incarnation_that_is_no_positive_integer_is_refused_naming_it(string incarnation)
    {
        var (query, error) = Parse(("since", "4"), ("incarnation", incarnation));
        Assert.Null(query);
        Assert.StartsWith($"invalid incarnation '{incarnation}': expected a positive integer", error);
    }

    [Fact]
    public void An_incarnation_without_since_is_refused()
    {
        var (query, error) = Parse(("incarnation", "2"));
        Assert.Null(query);
        Assert.Contains("only meaningful with since", error);
    }

    [Fact]
    public void A_parameter_given_twice_is_refused()
    {
        var (query, error) = Parse(("since", "1"), ("since", "2"));
        Assert.Null(query);
        Assert.Equal("invalid since: given 2 times, expected once", error);
    }

    [Theory]
    [InlineData("leader_changed,bogus", "bogus")]
    [InlineData("leader_changed,,member_joined", "")]
    [InlineData("LEADER_CHANGED", "LEADER_CHANGED")]
    public void An_unknown_type_is_refused_naming_it(string types, string named)
    {
        var (query, error) = Parse(("types", types));
        Assert.Null(query);
        Assert.StartsWith($"invalid types: unknown event type '{named}' (expected a comma-separated list of snapshot, member_joined", error);
    }

    [Fact]
    public void A_hostile_value_is_quoted_on_one_line_and_cut()
    {
        var (_, error) = Parse(("since", "1\n2\u0000" + new string('9', 5000)));
        Assert.NotNull(error);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\u0000', error);
        Assert.Contains("\\u000a", error);
        Assert.Contains("...(5004 chars)", error);
        Assert.True(error!.Length < 400, $"{error.Length} chars");
    }
}
