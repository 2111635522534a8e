using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Consulting.Web.Data;

/// <summary>
/// A prepared INSERT of one entity's row whose columns, parameter types and value conversions come
/// from the EF model — owned types stored in the same table included — so that a raw writer on a
/// hot path can't drift from the model: a property added to the entity is a column written here too.
/// </summary>
public sealed class ModelInsert : IDisposable
{
    private readonly Column[] _columns;
    private readonly DbCommand _command;

    /// <summary>A column, its parameter, and how its value is read from (entity, owner) and converted.</summary>
    private sealed record Column(string Name, DbParameter Parameter, Func<object, object?, object?> Read, RelationalTypeMapping Mapping);

    private ModelInsert(DbCommand command, Column[] columns) => (_command, _columns) = (command, columns);

    /// <summary>The columns written, in order (what the database generates itself is left out).</summary>
    public IReadOnlyList<string> ColumnNames => [.. _columns.Select(c => c.Name)];

    /// <summary>
    /// Prepares the INSERT of <paramref name="type"/>'s rows. For an owned collection's type, the
    /// foreign key to its owner is read from the owner passed to <see cref="Execute"/>.
    /// </summary>
    public static ModelInsert Prepare(DbConnection connection, IEntityType type)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = new List<(string Name, IProperty Property, Func<object, object?, object?> Read)>();
        AddColumns(type, table, columns, (entity, _) => entity);

        var command = connection.CreateCommand();
        var bound = columns.Select((c, i) =>
        {
            var mapping = c.Property.GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, "@p" + i, null, c.Property.IsNullable);
            command.Parameters.Add(parameter);
            return new Column(c.Name, parameter, c.Read, mapping);
        }).ToArray();
        command.CommandText = $"INSERT INTO {Quote(table.Name)} ({string.Join(", ", bound.Select(c => Quote(c.Name)))}) " +
            $"VALUES ({string.Join(", ", bound.Select(c => c.Parameter.ParameterName))});";
        command.Prepare();
        return new ModelInsert(command, bound);
    }

    public DbTransaction? Transaction { set => _command.Transaction = value; }

    /// <summary>Inserts <paramref name="entity"/>'s row; <paramref name="owner"/> is its owner for an owned collection's item.</summary>
    public void Execute(object entity, object? owner = null)
    {
        foreach (var column in _columns)
        {
            var value = column.Read(entity, owner);
            column.Parameter.Value = (value is null ? null : column.Mapping.Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
        }
        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();

    private static void AddColumns(IEntityType type, StoreObjectIdentifier table,
        List<(string Name, IProperty Property, Func<object, object?, object?> Read)> columns, Func<object, object?, object?> instanceOf)
    {
        var ownership = type.FindOwnership();
        foreach (var property in type.GetProperties())
        {
            // Keys and computed values the database makes itself.
            if (property.GetComputedColumnSql() is not null || (property.IsPrimaryKey() && property.ValueGenerated.HasFlag(ValueGenerated.OnAdd)))
                continue;
            var name = property.GetColumnName(table)!;
            // An owned type in its owner's table shares the owner's key column.
            if (columns.Any(c => c.Name == name)) continue;

            Func<object, object?, object?> read;
            var keyIndex = ownership is not null ? IndexOf(ownership.Properties, property) : -1;
            if (keyIndex >= 0 && !ownership!.IsUnique)
            {
                // An owned collection's item: its foreign key is its owner's key (a shadow property).
                var principal = ownership.PrincipalKey.Properties[keyIndex].GetGetter();
                read = (_, owner) => principal.GetClrValue(owner ?? throw new ArgumentNullException(nameof(owner)));
            }
            else if (property.IsShadowProperty())
            {
                // No change tracker holds a shadow value for a raw insert: a new row starts without one
                // (e.g. a work lease). A required one can't be guessed, so it fails here, not silently.
                if (!property.IsNullable)
                    throw new NotSupportedException($"{type.DisplayName()}.{property.Name} is a required shadow property; a raw INSERT can't know its value.");
                read = (_, _) => null;
            }
            else
            {
                var getter = property.GetGetter();
                read = (entity, owner) => instanceOf(entity, owner) is { } instance ? getter.GetClrValue(instance) : null;
            }
            columns.Add((name, property, read));
        }

        // Owned references stored in this same table (table splitting): their columns, null when absent.
        foreach (var navigation in type.GetNavigations())
        {
            var target = navigation.TargetEntityType;
            if (navigation.IsCollection || !navigation.ForeignKey.IsOwnership || navigation.IsOnDependent
                || target.GetTableName() != table.Name) continue;
            var getter = navigation.GetGetter();
            AddColumns(target, table, columns,
                (entity, owner) => instanceOf(entity, owner) is { } instance ? getter.GetClrValue(instance) : null);
        }
    }

    private static int IndexOf(IReadOnlyList<IProperty> properties, IProperty property)
    {
        for (var i = 0; i < properties.Count; i++)
            if (properties[i] == property) return i;
        return -1;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
