import { Body, Controller } from '@nestjs/common';
import { PostOperation, Tenant, validateInput } from '@rekey/aws-protocol';
import { CreateRoomRequest, ListRoomsRequest, RoomIdentifierRequest, UpdateRoomRequest } from '@rekey/contracts';
import { RoomsService } from './rooms.service';

/** CreateRoom, GetRoom, ListRooms, UpdateRoom, DeleteRoom: `POST /<Operation>` with a JSON body. */
@Controller()
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @PostOperation('CreateRoom')
  create(@Tenant() tenant: string, @Body() body: unknown) {
    return this.rooms.create(tenant, validateInput(CreateRoomRequest, body));
  }

  @PostOperation('GetRoom')
  get(@Tenant() tenant: string, @Body() body: unknown) {
    return this.rooms.get(tenant, validateInput(RoomIdentifierRequest, body).identifier);
  }

  @PostOperation('ListRooms')
  list(@Tenant() tenant: string, @Body() body: unknown) {
    return this.rooms.list(tenant, validateInput(ListRoomsRequest, body ?? {}));
  }

  @PostOperation('UpdateRoom')
  update(@Tenant() tenant: string, @Body() body: unknown) {
    return this.rooms.update(tenant, validateInput(UpdateRoomRequest, body));
  }

  @PostOperation('DeleteRoom', 204)
  async delete(@Tenant() tenant: string, @Body() body: unknown): Promise<void> {
    await this.rooms.delete(tenant, validateInput(RoomIdentifierRequest, body).identifier);
  }
}
