using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Data;

public static class RowLocks
{
    /// <summary>
    /// Inside a transaction: waits for, then holds until the transaction ends, the write lock of the
    /// <typeparamref name="TEntity"/> row with this id, so two transactions that read-then-change it
    /// take turns and the second reads what the first committed. PostgreSQL locks the row (NO KEY
    /// UPDATE leaves other tables' foreign-key checks alone); a SQLite transaction already holds the
    /// whole database's write lock (Microsoft.Data.Sqlite begins it IMMEDIATE).
    /// </summary>
    public static async Task LockRowAsync<TEntity>(this AppDbContext db, Guid id, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A row lock lasts as long as its transaction: begin one first.");
        if (!db.Database.IsNpgsql()) return;
        var entity = db.Model.FindEntityType(typeof(TEntity))!;
        var key = entity.FindPrimaryKey()!.Properties.Single().GetColumnName();
#pragma warning disable EF1002 // The table and column names come from the model, the id is a parameter.
        await db.Database.ExecuteSqlRawAsync($"SELECT 1 FROM \"{entity.GetTableName()}\" WHERE \"{key}\" = {{0}} FOR NO KEY UPDATE", [id], ct);
#pragma warning restore EF1002
    }
}
