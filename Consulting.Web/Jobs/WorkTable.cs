using System.Linq.Expressions;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using NodaTime;

namespace Consulting.Web.Jobs;

/// <summary>
/// One kind of background work: the rows it works on (<see cref="Table"/>) and what doing one of
/// them means. <see cref="WorkRunner"/> claims a due row, renews its lease while
/// <see cref="RunAsync"/> runs, and gives it back if the work fails unexpectedly.
/// </summary>
public interface IWorkKind<T, TKey> where T : class where TKey : notnull
{
    WorkTable<T, TKey> Table { get; }

    /// <summary>
    /// Does the leased row's work and records its outcome with <see cref="WorkLease{TKey}.CompleteAsync"/>
    /// (through domain methods on tracked entities). True when the work succeeded.
    /// </summary>
    Task<bool> RunAsync(WorkLease<TKey> lease, CancellationToken ct);
}

/// <summary>A due row as read before claiming it: its key and attempt count, which the claim checks again.</summary>
public sealed record WorkCandidate<TKey>(TKey Key, int Attempts);

/// <summary>
/// Which rows of a table are background work, and which columns say so: the key, whether the row
/// has work at all, when it is due, how many attempts it has had, and the two lease columns (see
/// <see cref="WorkLeaseColumns"/>). From these <see cref="WorkRunner"/> builds the same conditional
/// writes for every table — a claim is one UPDATE whose row count says who won, on SQLite and
/// PostgreSQL alike.
/// </summary>
public sealed class WorkTable<T, TKey> where T : class where TKey : notnull
{
    // "Due now and nobody holds it": the lease either never existed, was given back, or ran out.
    private static readonly Expression<Func<bool, Instant?, Instant?, Instant, bool>> DueAndFree =
        (hasWork, dueAt, leaseUntil, now) => hasWork && dueAt <= now && (leaseUntil == null || leaseUntil <= now);

    private readonly ParameterExpression _row = Expression.Parameter(typeof(T), "w");
    private readonly Expression _key, _hasWork, _dueAt, _attempts, _owner, _until;

    /// <param name="kind">For logs: "email/SMS delivery", "refund", …</param>
    /// <param name="hasWork">The row has work to do, whatever its due time (e.g. a pending refund).</param>
    /// <param name="dueAt">When that work is due.</param>
    /// <param name="attempts">Counts claims: the runner adds one with each; a domain change that resets it to 0 makes an older claim's outcome stale.</param>
    /// <param name="retry">The back-off for this kind's failures, used by its domain methods and by the runner alike.</param>
    public WorkTable(string kind, Expression<Func<T, TKey>> key, Expression<Func<T, bool>> hasWork,
        Expression<Func<T, Instant?>> dueAt, Expression<Func<T, int>> attempts, RetryPolicy retry,
        string ownerColumn = WorkLeaseColumns.Owner, string untilColumn = WorkLeaseColumns.Until)
    {
        Kind = kind;
        Retry = retry;
        _key = Inline(key, _row);
        _hasWork = Inline(hasWork, _row);
        _dueAt = Inline(dueAt, _row);
        _attempts = Inline(attempts, _row);
        _owner = Column<string?>(ownerColumn);
        _until = Column<Instant?>(untilColumn);
        Attempts = Expression.Lambda<Func<T, int>>(_attempts, _row);
        NextAttempt = Expression.Lambda<Func<T, int>>(Expression.Add(_attempts, Expression.Constant(1)), _row);
        Owner = Expression.Lambda<Func<T, string?>>(_owner, _row);
        Until = Expression.Lambda<Func<T, Instant?>>(_until, _row);
        DueAt = Expression.Lambda<Func<T, Instant?>>(_dueAt, _row);
        Candidate = Expression.Lambda<Func<T, WorkCandidate<TKey>>>(
            Expression.New(typeof(WorkCandidate<TKey>).GetConstructor([typeof(TKey), typeof(int)])!, _key, _attempts), _row);
    }

    public string Kind { get; }
    public RetryPolicy Retry { get; }

    /// <summary>What a claim sets besides the lease: e.g. the state a row shows while it is worked on ("Running").</summary>
    public Action<UpdateSettersBuilder<T>, Instant>? OnClaim { get; init; }

    internal Expression<Func<T, int>> Attempts { get; }
    internal Expression<Func<T, int>> NextAttempt { get; }
    internal Expression<Func<T, string?>> Owner { get; }
    internal Expression<Func<T, Instant?>> Until { get; }
    internal Expression<Func<T, Instant?>> DueAt { get; }
    internal Expression<Func<T, WorkCandidate<TKey>>> Candidate { get; }

    /// <summary>Rows whose work is due at <paramref name="now"/> and that nobody holds.</summary>
    internal Expression<Func<T, bool>> Claimable(Instant now) =>
        Where(Inline(DueAndFree, _hasWork, _dueAt, _until, Value(now)));

    internal Expression<Func<T, bool>> ClaimableRow(TKey key, Instant now) =>
        Where(Expression.AndAlso(IsKey(key), Inline(DueAndFree, _hasWork, _dueAt, _until, Value(now))));

    /// <summary>The claim's condition: still due and free, and still at the attempt count it was read with.</summary>
    internal Expression<Func<T, bool>> ClaimableAt(WorkCandidate<TKey> candidate, Instant now) =>
        Where(Expression.AndAlso(Expression.AndAlso(IsKey(candidate.Key), Expression.Equal(_attempts, Value(candidate.Attempts))),
            Inline(DueAndFree, _hasWork, _dueAt, _until, Value(now))));

    /// <summary>The row, while <paramref name="owner"/> holds its lease.</summary>
    internal Expression<Func<T, bool>> HeldBy(TKey key, string owner) =>
        Where(Expression.AndAlso(IsKey(key), Expression.Equal(_owner, Value<string?>(owner))));

    /// <summary>The row, while <paramref name="owner"/> holds it and its work is the one claimed (not reset since).</summary>
    internal Expression<Func<T, bool>> HeldAt(TKey key, string owner, int attempts) =>
        Where(Expression.AndAlso(Expression.AndAlso(IsKey(key), Expression.Equal(_owner, Value<string?>(owner))),
            Expression.Equal(_attempts, Value(attempts))));

    private Expression IsKey(TKey key) => Expression.Equal(_key, Value(key));

    private Expression<Func<T, bool>> Where(Expression body) => Expression.Lambda<Func<T, bool>>(body, _row);

    /// <summary>A shadow column as EF.Property(row, "name"), so ExecuteUpdate can set it.</summary>
    private Expression Column<TColumn>(string name) =>
        Expression.Call(typeof(EF), nameof(EF.Property), [typeof(TColumn)], _row, Expression.Constant(name));

    /// <summary>A value read from a closure, so EF sends it as a parameter and caches one query shape.</summary>
    private static Expression Value<TValue>(TValue value)
    {
        Expression<Func<TValue>> read = () => value;
        return read.Body;
    }

    /// <summary>The lambda's body with its parameters replaced by <paramref name="args"/>.</summary>
    private static Expression Inline(LambdaExpression lambda, params Expression[] args)
    {
        var body = lambda.Body;
        for (var i = 0; i < args.Length; i++) body = ReplacingExpressionVisitor.Replace(lambda.Parameters[i], args[i], body);
        return body;
    }
}
