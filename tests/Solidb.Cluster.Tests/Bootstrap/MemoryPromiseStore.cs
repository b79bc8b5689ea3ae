using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Identity;

namespace Solidb.Cluster.Tests.Bootstrap;

/// <summary>
/// An in-memory promise store (one per simulated data dir) whose saves fail while
/// <see cref="Fails"/> says so, like a full disk: a failed save changes nothing.
/// </summary>
public sealed class MemoryPromiseStore(FormationPromise? initial = null) : IFormationPromiseStore
{
    public FormationPromise Saved { get; private set; } = initial ?? FormationPromise.None;

    public bool Fails { get; set; }

    public int Saves { get; private set; }

    public FormationPromise Load() => Saved;

    public void Save(FormationPromise promise)
    {
        if (Fails)
        {
            throw new DataDirectoryException("cannot persist the formation promise to '/data/formation': no space left on device",
                FileErrorKind.NoSpace, "no space left on device");
        }

        Saves++;
        Saved = promise;
    }
}
