using System.Collections;

namespace HubApp.Presence;

/// <summary>
/// The connections a group send leaves out: those listed, and with <see cref="Also"/> every connection it matches (this
/// node's connections that take batched presence, say) without listing them, so that leaving out most of a room costs a
/// lookup per member, not a walk of a list per member.
/// </summary>
/// <remarks>
/// Only for SignalR's <c>SendGroupExceptAsync</c> and <see cref="JoiningConnections.Send"/>, which ask nothing but
/// <c>Contains</c> (LINQ's <c>Contains</c> without a comparer calls <see cref="ICollection{T}.Contains"/>): counting and
/// enumerating see the listed connections only.
/// </remarks>
public sealed class ExcludedConnectionSet : IReadOnlyList<string>, ICollection<string>
{
    private readonly IReadOnlyList<string> _listed;

    public ExcludedConnectionSet(IReadOnlyList<string> listed, Func<string, bool>? also)
    {
        _listed = listed;
        Also = also;
    }

    /// <summary>Left out too, unlisted.</summary>
    public Func<string, bool>? Also { get; }

    public int Count => _listed.Count;

    public bool IsReadOnly => true;

    public string this[int index] => _listed[index];

    /// <summary><paramref name="excluded"/> and <paramref name="more"/>, keeping what <paramref name="excluded"/> matches unlisted.</summary>
    public static IReadOnlyList<string> Join(IReadOnlyList<string> excluded, IReadOnlyList<string> more) =>
        excluded is ExcludedConnectionSet except
            ? new ExcludedConnectionSet([.. except._listed, .. more], except.Also)
            : [.. excluded, .. more];

    public bool Contains(string item)
    {
        for (var i = 0; i < _listed.Count; i++)
        {
            if (string.Equals(_listed[i], item, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return Also?.Invoke(item) == true;
    }

    public IEnumerator<string> GetEnumerator() => _listed.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void CopyTo(string[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        for (var i = 0; i < _listed.Count; i++)
        {
            array[arrayIndex + i] = _listed[i];
        }
    }

    void ICollection<string>.Add(string item) => throw new NotSupportedException();

    void ICollection<string>.Clear() => throw new NotSupportedException();

    bool ICollection<string>.Remove(string item) => throw new NotSupportedException();
}
