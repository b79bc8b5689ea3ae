using Solidb.Cluster.Election;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

public sealed class MajorityTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    [InlineData(9, 5)]
    public void Of_is_the_smallest_strict_majority(int n, int expected) => Assert.Equal(expected, Majority.Of(n));

    [Fact]
    public void Reached_is_exactly_count_twice_above_the_denominator()
    {
        for (var of = 0; of <= 20; of++)
        {
            for (var count = 0; count <= of + 1; count++)
            {
                Assert.Equal(count * 2 > of, Majority.Reached(count, of));
            }
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    public void Tolerance_leaves_a_majority_alive(int n, int expected)
    {
        Assert.Equal(expected, Majority.Tolerance(n));
        Assert.True(n == 0 || Majority.Reached(n - Majority.Tolerance(n), n));
    }
}
