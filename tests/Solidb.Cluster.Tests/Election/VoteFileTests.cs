using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

public sealed class VoteFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-vote-" + Guid.NewGuid().ToString("N"));

    public VoteFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void The_file_is_DATA_slash_election()
    {
        Assert.Equal(Path.Combine(_dir, "election"), VoteFile.In(_dir).Path);
        Assert.Equal("election", VoteFile.FileName);
    }

    [Fact]
    public void A_missing_file_is_the_initial_vote()
    {
        Assert.Equal(PersistedVote.Initial, VoteFile.In(_dir).Load());
        Assert.Equal(new PersistedVote(0, null), PersistedVote.Initial);
    }

    [Fact]
    public void A_saved_vote_is_loaded_back_by_a_new_instance()
    {
        VoteFile.In(_dir).Save(new PersistedVote(7, NodeId.Parse("node-b")));

        Assert.Equal(new PersistedVote(7, NodeId.Parse("node-b")), VoteFile.In(_dir).Load());
        Assert.Equal("7 node-b 0\n", File.ReadAllText(Path.Combine(_dir, "election")));
    }

    [Fact]
    public void A_term_without_a_vote_round_trips_as_a_dash()
    {
        VoteFile.In(_dir).Save(new PersistedVote(12, null));

        Assert.Equal("12 - 0\n", File.ReadAllText(Path.Combine(_dir, "election")));
        Assert.Equal(new PersistedVote(12, null), VoteFile.In(_dir).Load());
    }

    [Fact]
    public void A_later_save_replaces_the_earlier_one_and_leaves_no_temporary_file()
    {
        var file = VoteFile.In(_dir);
        file.Save(new PersistedVote(1, NodeId.Parse("node-a")));
        file.Save(new PersistedVote(2, null));
        file.Save(new PersistedVote(Terms.Max - 1, NodeId.Parse("node-c")));

        Assert.Equal(new PersistedVote(Terms.Max - 1, NodeId.Parse("node-c")), VoteFile.In(_dir).Load());
        Assert.Equal(["election"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void An_election_state_restarted_on_the_file_keeps_its_term_and_vote()
    {
        var time = new FakeTimeProvider();
        var settings = new ElectionSettings();
        var a = NodeId.Parse("node-a");
        var c = NodeId.Parse("node-c");
        var voters = new[] { a, NodeId.Parse("node-b"), c };
        var first = new ElectionState(c, settings, time, VoteFile.In(_dir), new Random(1), () => default);
        first.SetVoters(voters);
        first.OnVoteRequest(a, 4, preVote: false);

        var again = new ElectionState(c, settings, time, VoteFile.In(_dir), new Random(2), () => default);

        Assert.Equal(4, again.Term);
        Assert.Equal(a, again.VotedFor);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("7")]
    [InlineData("seven node-a")]
    [InlineData("-7 node-a")]
    [InlineData("+7 node-a")]
    [InlineData("7 node-a extra")]
    [InlineData("7 node/a")]
    [InlineData("99999999999999999999 -")]
    public void A_corrupt_file_throws_a_DataDirectoryException_naming_the_file(string content)
    {
        var path = Path.Combine(_dir, "election");
        File.WriteAllText(path, content);

        var e = Assert.Throws<DataDirectoryException>(() => VoteFile.In(_dir).Load());

        Assert.Contains(path, e.Message);
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void Surrounding_whitespace_is_tolerated()
    {
        File.WriteAllText(Path.Combine(_dir, "election"), "  3 node-a \r\n\n");

        Assert.Equal(new PersistedVote(3, NodeId.Parse("node-a")), VoteFile.In(_dir).Load());
    }

    [Fact]
    public void A_term_at_or_above_the_largest_term_is_corrupt()
    {
        var file = Path.Combine(_dir, "election");
        File.WriteAllText(file, $"{Terms.Max} node-a 3\n");

        var e = Assert.Throws<DataDirectoryException>(() => VoteFile.In(_dir).Load());

        Assert.Equal($"corrupt election file '{file}': term {Terms.Max} is not below the largest term {Terms.Max}", e.Message);

        File.WriteAllText(file, $"{Terms.Max - 1} node-a 3\n");
        Assert.Equal(new PersistedVote(Terms.Max - 1, NodeId.Parse("node-a"), 3), VoteFile.In(_dir).Load());
    }

    [Fact]
    public void A_failed_save_names_the_file_and_the_cause_and_is_reported_until_a_save_succeeds()
    {
        var health = new StorageHealth();
        var store = VoteFile.In(_dir, health);
        store.Save(new PersistedVote(1, null));
        Directory.CreateDirectory(Path.Combine(_dir, "election.tmp")); // blocks the temp file

        var e = Assert.Throws<DataDirectoryException>(() => store.Save(new PersistedVote(2, NodeId.Parse("node-b"))));

        Assert.StartsWith($"cannot persist election state to '{store.Path}': ", e.Message);
        Assert.Equal(e.Message, health.Problem);
        Assert.Equal(new PersistedVote(1, null), store.Load()); // the durable vote is the previous one

        Directory.Delete(Path.Combine(_dir, "election.tmp"));
        store.Save(new PersistedVote(2, NodeId.Parse("node-b")));

        Assert.Null(health.Problem);
        Assert.Equal(new PersistedVote(2, NodeId.Parse("node-b")), store.Load());
    }
}
