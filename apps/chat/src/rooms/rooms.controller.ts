import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Tenant, validateInput } from '@rekey/aws-protocol';
import { CreateRoomRequest, ListRoomsRequest, RoomIdentifierRequest, UpdateRoomRequest } from '@rekey/contracts';
import { RoomsService } from './rooms.service';

/** CreateRoom, GetRoom, ListRooms, UpdateRoom, DeleteRoom: `POST /<Operation>` with a JSON body. */
@Controller()
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @Post('CreateRoom')
  @HttpCode(200)
  create(@Tenant() tenant: string, @Body() body: unknown) {
    return this.rooms.create(tenant, validateInput(CreateRoomRequest, body));
  }

  @Post('GetRoom')
  @HttpCode(200)
  get(@Tenant() tenant: string, @Body() body: unknown) {
    return this.rooms.get(tenant, validateInput(RoomIdentifierRequest, body).identifier);
  }

  @Post('ListRooms')
  @HttpCode(200)
  list(@Tenant() tenant: string, @Body() body: unknown) {
    return this.rooms.list(tenant, validateInput(ListRoomsRequest, body ?? {}));
  }

  @Post('UpdateRoom')
  @HttpCode(200)
  update(@Tenant() tenant: string, @Body() body: unknown) {
    return this.rooms.update(tenant, validateInput(UpdateRoomRequest, body));
  }

  @Post('DeleteRoom')
  @HttpCode(204)
  async delete(@Tenant() tenant: string, @Body() body: unknown): Promise<void> {
    await this.rooms.delete(tenant, validateInput(RoomIdentifierRequest, body).identifier);
  }
}
