using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consulting.Web.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EncryptCalendarAddresses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ExternalCalendars_SpecialistId",
                table: "ExternalCalendars");

            migrationBuilder.AddColumn<string>(
                name: "AddressFingerprint",
                table: "ExternalCalendars",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExternalCalendars_SpecialistId_AddressFingerprint",
                table: "ExternalCalendars",
                columns: new[] { "SpecialistId", "AddressFingerprint" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ExternalCalendars_SpecialistId_AddressFingerprint",
                table: "ExternalCalendars");

            migrationBuilder.DropColumn(
                name: "AddressFingerprint",
                table: "ExternalCalendars");

            migrationBuilder.CreateIndex(
                name: "IX_ExternalCalendars_SpecialistId",
                table: "ExternalCalendars",
                column: "SpecialistId");
        }
    }
}
