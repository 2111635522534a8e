using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consulting.Web.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CheckoutEndings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CheckoutEndAttempts",
                table: "Payments",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "CheckoutEndDueAt",
                table: "Payments",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CheckoutEndLeaseOwner",
                table: "Payments",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CheckoutEndLeaseUntil",
                table: "Payments",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Payments_CheckoutEndDueAt",
                table: "Payments",
                column: "CheckoutEndDueAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_CheckoutEndDueAt",
                table: "Payments");

            migrationBuilder.DropColumn(
                name: "CheckoutEndAttempts",
                table: "Payments");

            migrationBuilder.DropColumn(
                name: "CheckoutEndDueAt",
                table: "Payments");

            migrationBuilder.DropColumn(
                name: "CheckoutEndLeaseOwner",
                table: "Payments");

            migrationBuilder.DropColumn(
                name: "CheckoutEndLeaseUntil",
                table: "Payments");
        }
    }
}
