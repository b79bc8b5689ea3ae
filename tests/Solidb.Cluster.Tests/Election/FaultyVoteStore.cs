using Solidb.Cluster.Election;
using Solidb.Cluster.Identity;

namespace Solidb.Cluster.Tests.Election;

/// <summary>
/// An in-memory vote store whose saves fail while <see cref="Fails"/> says so, like a disk that
/// filled up: the failed save changes nothing.
/// </summary>
public sealed class FaultyVoteStore(PersistedVote? initial = null) : IVoteStore
{
    public const string Reason = "cannot persist election state to '/data/election': no space left on device";

    public PersistedVote Vote { get; private set; } = initial ?? PersistedVote.Initial;

    /// <summary>Which saves fail; none by default.</summary>
    public Func<PersistedVote, bool> Fails { get; set; } = _ => false;

    public int FailedSaves { get; private set; }

    public PersistedVote Load() => Vote;

    public void Save(PersistedVote vote)
    {
        if (Fails(vote))
        {
            FailedSaves++;
            throw new DataDirectoryException(Reason, FileErrorKind.NoSpace, "no space left on device");
        }

        Vote = vote;
    }
}
