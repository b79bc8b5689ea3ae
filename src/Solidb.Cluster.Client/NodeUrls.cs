namespace Solidb.Cluster.Client;

/// <summary>Base URLs of nodes: checked once, combined with API paths keeping any path prefix.</summary>
internal static class NodeUrls
{
    public static IReadOnlyList<Uri> Check(IEnumerable<Uri> urls, params string[] schemes)
    {
        var list = urls.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("at least one node URL is needed", nameof(urls));
        }

        foreach (var url in list)
        {
            if (!url.IsAbsoluteUri || !schemes.Contains(url.Scheme, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"node URL '{url}' must be absolute with scheme {string.Join(" or ", schemes)}", nameof(urls));
            }
        }

        return list;
    }

    /// <summary><paramref name="baseUrl"/> (its path kept as a prefix) + <paramref name="path"/> + <paramref name="query"/>.</summary>
    public static Uri Combine(Uri baseUrl, string path, string query = "")
    {
        var builder = new UriBuilder(baseUrl)
        {
            Path = baseUrl.AbsolutePath.TrimEnd('/') + "/" + path.TrimStart('/'),
            Query = query,
        };
        return builder.Uri;
    }
}
