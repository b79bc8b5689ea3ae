using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

/// <summary>
/// The election state that must survive a restart (term, vote, known cluster size), changed only
/// after the store saved it: a failed save leaves the durable state as it was and is remembered
/// as <see cref="Problem"/> until a save succeeds. Single-threaded, like <see cref="ElectionState"/>.
/// </summary>
internal sealed class DurableVote(IVoteStore store)
{
    private PersistedVote _vote = store.Load();

    public long Term => _vote.Term;
    public NodeId? VotedFor => _vote.VotedFor;
    public int KnownVoters => _vote.KnownVoters;

    /// <summary>Why the last save failed, or null when it succeeded.</summary>
    public string? Problem { get; private set; }

    public bool TrySave(long term, NodeId? votedFor, int knownVoters)
    {
        var next = new PersistedVote(term, votedFor, knownVoters);
        try
        {
            store.Save(next);
        }
        catch (Exception e) when (e is DataDirectoryException or IOException or UnauthorizedAccessException)
        {
            Problem = $"{e.Message}; this node grants no vote and starts no election until a save succeeds";
            return false;
        }

        Problem = null;
        _vote = next;
        return true;
    }
}
