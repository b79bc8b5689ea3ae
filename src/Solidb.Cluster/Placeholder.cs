namespace Solidb.Cluster; internal static class Placeholder {}
